; Golden NVVM IR of the 'aggregates' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: %struct.Particle = type { [3 x float], i8, double }
; CHECK-NEXT: %struct.Wide = type <{ float, [12 x i8], <4 x double> }>
; CHECK-EMPTY:
; CHECK-NEXT: @coeffs = internal addrspace(4) constant [16 x i8] c"\00\00\00\3F\00\00\80\3F\00\00\C0\3F\00\00\00\40", align 4
; CHECK-EMPTY:
; CHECK-NEXT: declare float @__nv_fmaf(float, float, float)
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-EMPTY:
; CHECK-NEXT: define internal float @dot3(<3 x float> %p0, <3 x float> %p1) alwaysinline {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t0 = extractelement <3 x float> %p1, i32 0
; CHECK-NEXT:   %t1 = extractelement <3 x float> %p0, i32 0
; CHECK-NEXT:   %t2 = call float @__nv_fmaf(float %t1, float %t0, float 0x0000000000000000)
; CHECK-NEXT:   %t3 = extractelement <3 x float> %p1, i32 1
; CHECK-NEXT:   %t4 = extractelement <3 x float> %p0, i32 1
; CHECK-NEXT:   %t5 = call float @__nv_fmaf(float %t4, float %t3, float %t2)
; CHECK-NEXT:   %t6 = extractelement <3 x float> %p1, i32 2
; CHECK-NEXT:   %t7 = extractelement <3 x float> %p0, i32 2
; CHECK-NEXT:   %t8 = call float @__nv_fmaf(float %t7, float %t6, float %t5)
; CHECK-NEXT:   ret float %t8
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-NEXT: define void @aggregates(%struct.Particle addrspace(1)* noalias %p0, <4 x float> addrspace(1)* noalias %p1, [3 x float] %p2, %struct.Wide addrspace(1)* %p3) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t0 = extractvalue [3 x float] %p2, 0
; CHECK-NEXT:   %t1 = insertelement <3 x float> undef, float %t0, i32 0
; CHECK-NEXT:   %t2 = extractvalue [3 x float] %p2, 1
; CHECK-NEXT:   %t3 = insertelement <3 x float> %t1, float %t2, i32 1
; CHECK-NEXT:   %t4 = extractvalue [3 x float] %p2, 2
; CHECK-NEXT:   %t5 = insertelement <3 x float> %t3, float %t4, i32 2
; CHECK-NEXT:   %t6 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x(), !range !0
; CHECK-NEXT:   %t7 = zext i32 %t6 to i64
; CHECK-NEXT:   %t8 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %p0, i64 %t7
; CHECK-NEXT:   %t9 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 0
; CHECK-NEXT:   %t10 = bitcast [3 x float] addrspace(1)* %t9 to <3 x float> addrspace(1)*
; CHECK-NEXT:   %t11 = load <3 x float>, <3 x float> addrspace(1)* %t10, align 4
; CHECK-NEXT:   %t12 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 1
; CHECK-NEXT:   %t13 = load i8, i8 addrspace(1)* %t12, align 1
; CHECK-NEXT:   %t14 = trunc i8 %t13 to i1
; CHECK-NEXT:   %t15 = call float @dot3(<3 x float> %t11, <3 x float> %t5)
; CHECK-NEXT:   %t16 = and i32 %t6, 3
; CHECK-NEXT:   %t17 = zext i32 %t16 to i64
; CHECK-NEXT:   %t18 = getelementptr inbounds [4 x float], [4 x float] addrspace(4)* bitcast ([16 x i8] addrspace(4)* @coeffs to [4 x float] addrspace(4)*), i64 0, i64 %t17
; CHECK-NEXT:   %t19 = load float, float addrspace(4)* %t18, align 4
; CHECK-NEXT:   %t20 = fmul float %t15, %t19
; CHECK-NEXT:   br i1 %t14, label %then.0, label %else.1
; CHECK-NEXT: then.0:
; CHECK-NEXT:   %t21 = insertelement <3 x float> undef, float %t20, i32 0
; CHECK-NEXT:   %t22 = insertelement <3 x float> %t21, float %t20, i32 1
; CHECK-NEXT:   %t23 = insertelement <3 x float> %t22, float %t20, i32 2
; CHECK-NEXT:   %t24 = fadd <3 x float> %t11, %t23
; CHECK-NEXT:   %t25 = bitcast [3 x float] addrspace(1)* %t9 to <3 x float> addrspace(1)*
; CHECK-NEXT:   store <3 x float> %t24, <3 x float> addrspace(1)* %t25, align 4
; CHECK-NEXT:   %t26 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 2
; CHECK-NEXT:   %t27 = fpext float %t20 to double
; CHECK-NEXT:   %t28 = load double, double addrspace(1)* %t26, align 8
; CHECK-NEXT:   %t29 = fadd double %t28, %t27
; CHECK-NEXT:   store double %t29, double addrspace(1)* %t26, align 8
; CHECK-NEXT:   br label %endif.2
; CHECK-NEXT: else.1:
; CHECK-NEXT:   %t30 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 1
; CHECK-NEXT:   %t31 = zext i1 true to i8
; CHECK-NEXT:   store i8 %t31, i8 addrspace(1)* %t30, align 1
; CHECK-NEXT:   br label %endif.2
; CHECK-NEXT: endif.2:
; CHECK-NEXT:   %t32 = zext i32 %t6 to i64
; CHECK-NEXT:   %t33 = getelementptr inbounds <4 x float>, <4 x float> addrspace(1)* %p1, i64 %t32
; CHECK-NEXT:   %t34 = load <4 x float>, <4 x float> addrspace(1)* %t33, align 16
; CHECK-NEXT:   %t35 = shufflevector <4 x float> %t34, <4 x float> undef, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
; CHECK-NEXT:   %t36 = insertelement <4 x float> %t35, float %t15, i32 3
; CHECK-NEXT:   store <4 x float> %t36, <4 x float> addrspace(1)* %t33, align 16
; CHECK-NEXT:   %t37 = load %struct.Particle, %struct.Particle addrspace(1)* %t8, align 8
; CHECK-NEXT:   %t38 = zext i1 false to i8
; CHECK-NEXT:   %t39 = insertvalue %struct.Particle %t37, i8 %t38, 1
; CHECK-NEXT:   %t40 = add i32 %t6, 64
; CHECK-NEXT:   %t41 = zext i32 %t40 to i64
; CHECK-NEXT:   %t42 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %p0, i64 %t41
; CHECK-NEXT:   store %struct.Particle %t39, %struct.Particle addrspace(1)* %t42, align 8
; CHECK-NEXT:   %t43 = zext i32 %t6 to i64
; CHECK-NEXT:   %t44 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %p3, i64 %t43
; CHECK-NEXT:   %t45 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %t44, i32 0, i32 2
; CHECK-NEXT:   %t46 = load <4 x double>, <4 x double> addrspace(1)* %t45, align 16
; CHECK-NEXT:   %t47 = extractelement <4 x double> %t46, i32 2
; CHECK-NEXT:   %t48 = fptrunc double %t47 to float
; CHECK-NEXT:   %t49 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %t44, i32 0, i32 0
; CHECK-NEXT:   store float %t48, float addrspace(1)* %t49, align 4
; CHECK-NEXT:   %t50 = zext i32 2 to i64
; CHECK-NEXT:   %t51 = bitcast <4 x float> addrspace(1)* %t33 to float addrspace(1)*
; CHECK-NEXT:   %t52 = getelementptr inbounds float, float addrspace(1)* %t51, i64 %t50
; CHECK-NEXT:   %t53 = bitcast [3 x float] addrspace(1)* %t9 to <3 x float> addrspace(1)*
; CHECK-NEXT:   %t54 = load <3 x float>, <3 x float> addrspace(1)* %t53, align 4
; CHECK-NEXT:   %t55 = extractelement <3 x float> %t54, i32 1
; CHECK-NEXT:   store float %t55, float addrspace(1)* %t52, align 4
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!1}
; CHECK-NEXT: !nvvmir.version = !{!2}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{i32 0, i32 1024}
; CHECK-NEXT: !1 = !{void (%struct.Particle addrspace(1)*, <4 x float> addrspace(1)*, [3 x float], %struct.Wide addrspace(1)*)* @aggregates, !"kernel", i32 1}
; CHECK-NEXT: !2 = !{i32 2, i32 0}
