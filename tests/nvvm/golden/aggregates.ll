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
; CHECK-NEXT:   %t10 = bitcast [3 x float] addrspace(1)* %t9 to float addrspace(1)*
; CHECK-NEXT:   %t11 = getelementptr inbounds float, float addrspace(1)* %t10, i64 1
; CHECK-NEXT:   %t12 = getelementptr inbounds float, float addrspace(1)* %t10, i64 2
; CHECK-NEXT:   %t13 = load float, float addrspace(1)* %t10, align 4
; CHECK-NEXT:   %t14 = insertelement <3 x float> undef, float %t13, i32 0
; CHECK-NEXT:   %t15 = load float, float addrspace(1)* %t11, align 4
; CHECK-NEXT:   %t16 = insertelement <3 x float> %t14, float %t15, i32 1
; CHECK-NEXT:   %t17 = load float, float addrspace(1)* %t12, align 4
; CHECK-NEXT:   %t18 = insertelement <3 x float> %t16, float %t17, i32 2
; CHECK-NEXT:   %t19 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 1
; CHECK-NEXT:   %t20 = load i8, i8 addrspace(1)* %t19, align 1
; CHECK-NEXT:   %t21 = trunc i8 %t20 to i1
; CHECK-NEXT:   %t22 = call float @dot3(<3 x float> %t18, <3 x float> %t5)
; CHECK-NEXT:   %t23 = and i32 %t6, 3
; CHECK-NEXT:   %t24 = zext i32 %t23 to i64
; CHECK-NEXT:   %t25 = getelementptr inbounds [4 x float], [4 x float] addrspace(4)* bitcast ([16 x i8] addrspace(4)* @coeffs to [4 x float] addrspace(4)*), i64 0, i64 %t24
; CHECK-NEXT:   %t26 = load float, float addrspace(4)* %t25, align 4
; CHECK-NEXT:   %t27 = fmul float %t22, %t26
; CHECK-NEXT:   br i1 %t21, label %then.0, label %else.1
; CHECK-NEXT: then.0:
; CHECK-NEXT:   %t28 = insertelement <3 x float> undef, float %t27, i32 0
; CHECK-NEXT:   %t29 = insertelement <3 x float> %t28, float %t27, i32 1
; CHECK-NEXT:   %t30 = insertelement <3 x float> %t29, float %t27, i32 2
; CHECK-NEXT:   %t31 = fadd <3 x float> %t18, %t30
; CHECK-NEXT:   %t32 = bitcast [3 x float] addrspace(1)* %t9 to float addrspace(1)*
; CHECK-NEXT:   %t33 = getelementptr inbounds float, float addrspace(1)* %t32, i64 1
; CHECK-NEXT:   %t34 = getelementptr inbounds float, float addrspace(1)* %t32, i64 2
; CHECK-NEXT:   %t35 = extractelement <3 x float> %t31, i32 0
; CHECK-NEXT:   store float %t35, float addrspace(1)* %t32, align 4
; CHECK-NEXT:   %t36 = extractelement <3 x float> %t31, i32 1
; CHECK-NEXT:   store float %t36, float addrspace(1)* %t33, align 4
; CHECK-NEXT:   %t37 = extractelement <3 x float> %t31, i32 2
; CHECK-NEXT:   store float %t37, float addrspace(1)* %t34, align 4
; CHECK-NEXT:   %t38 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 2
; CHECK-NEXT:   %t39 = fpext float %t27 to double
; CHECK-NEXT:   %t40 = load double, double addrspace(1)* %t38, align 8
; CHECK-NEXT:   %t41 = fadd double %t40, %t39
; CHECK-NEXT:   store double %t41, double addrspace(1)* %t38, align 8
; CHECK-NEXT:   br label %endif.2
; CHECK-NEXT: else.1:
; CHECK-NEXT:   %t42 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %t8, i32 0, i32 1
; CHECK-NEXT:   %t43 = zext i1 true to i8
; CHECK-NEXT:   store i8 %t43, i8 addrspace(1)* %t42, align 1
; CHECK-NEXT:   br label %endif.2
; CHECK-NEXT: endif.2:
; CHECK-NEXT:   %t44 = zext i32 %t6 to i64
; CHECK-NEXT:   %t45 = getelementptr inbounds <4 x float>, <4 x float> addrspace(1)* %p1, i64 %t44
; CHECK-NEXT:   %t46 = load <4 x float>, <4 x float> addrspace(1)* %t45, align 16
; CHECK-NEXT:   %t47 = shufflevector <4 x float> %t46, <4 x float> undef, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
; CHECK-NEXT:   %t48 = insertelement <4 x float> %t47, float %t22, i32 3
; CHECK-NEXT:   store <4 x float> %t48, <4 x float> addrspace(1)* %t45, align 16
; CHECK-NEXT:   %t49 = load %struct.Particle, %struct.Particle addrspace(1)* %t8, align 8
; CHECK-NEXT:   %t50 = zext i1 false to i8
; CHECK-NEXT:   %t51 = insertvalue %struct.Particle %t49, i8 %t50, 1
; CHECK-NEXT:   %t52 = add i32 %t6, 64
; CHECK-NEXT:   %t53 = zext i32 %t52 to i64
; CHECK-NEXT:   %t54 = getelementptr inbounds %struct.Particle, %struct.Particle addrspace(1)* %p0, i64 %t53
; CHECK-NEXT:   store %struct.Particle %t51, %struct.Particle addrspace(1)* %t54, align 8
; CHECK-NEXT:   %t55 = zext i32 %t6 to i64
; CHECK-NEXT:   %t56 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %p3, i64 %t55
; CHECK-NEXT:   %t57 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %t56, i32 0, i32 2
; CHECK-NEXT:   %t58 = load <4 x double>, <4 x double> addrspace(1)* %t57, align 16
; CHECK-NEXT:   %t59 = extractelement <4 x double> %t58, i32 2
; CHECK-NEXT:   %t60 = fptrunc double %t59 to float
; CHECK-NEXT:   %t61 = getelementptr inbounds %struct.Wide, %struct.Wide addrspace(1)* %t56, i32 0, i32 0
; CHECK-NEXT:   store float %t60, float addrspace(1)* %t61, align 4
; CHECK-NEXT:   %t62 = zext i32 2 to i64
; CHECK-NEXT:   %t63 = bitcast <4 x float> addrspace(1)* %t45 to float addrspace(1)*
; CHECK-NEXT:   %t64 = getelementptr inbounds float, float addrspace(1)* %t63, i64 %t62
; CHECK-NEXT:   %t65 = bitcast [3 x float] addrspace(1)* %t9 to float addrspace(1)*
; CHECK-NEXT:   %t66 = getelementptr inbounds float, float addrspace(1)* %t65, i64 1
; CHECK-NEXT:   %t67 = getelementptr inbounds float, float addrspace(1)* %t65, i64 2
; CHECK-NEXT:   %t68 = load float, float addrspace(1)* %t65, align 4
; CHECK-NEXT:   %t69 = insertelement <3 x float> undef, float %t68, i32 0
; CHECK-NEXT:   %t70 = load float, float addrspace(1)* %t66, align 4
; CHECK-NEXT:   %t71 = insertelement <3 x float> %t69, float %t70, i32 1
; CHECK-NEXT:   %t72 = load float, float addrspace(1)* %t67, align 4
; CHECK-NEXT:   %t73 = insertelement <3 x float> %t71, float %t72, i32 2
; CHECK-NEXT:   %t74 = extractelement <3 x float> %t73, i32 1
; CHECK-NEXT:   store float %t74, float addrspace(1)* %t64, align 4
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
