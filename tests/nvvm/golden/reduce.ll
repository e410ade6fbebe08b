; Golden NVVM IR of the 'reduce' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: @partial = internal addrspace(3) global [256 x float] undef, align 4
; CHECK-EMPTY:
; CHECK-NEXT: declare void @llvm.nvvm.barrier0()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-EMPTY:
; CHECK-NEXT: define void @reduce(float addrspace(1)* noalias readonly %p0, float addrspace(1)* noalias %p1) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t10 = alloca i32, align 4
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-NEXT:   %t1 = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
; CHECK-NEXT:   %t2 = mul i32 %t1, 256
; CHECK-NEXT:   %t3 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-NEXT:   %t4 = add i32 %t2, %t3
; CHECK-NEXT:   %t5 = zext i32 %t4 to i64
; CHECK-NEXT:   %t6 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t5
; CHECK-NEXT:   %t7 = load float, float addrspace(1)* %t6, align 4
; CHECK-NEXT:   %t8 = zext i32 %t0 to i64
; CHECK-NEXT:   %t9 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i64 0, i64 %t8
; CHECK-NEXT:   store float %t7, float addrspace(3)* %t9, align 4
; CHECK-NEXT:   call void @llvm.nvvm.barrier0()
; CHECK-NEXT:   store i32 128, i32* %t10, align 4
; CHECK-NEXT:   br label %loop.0
; CHECK-NEXT: loop.0:
; CHECK-NEXT:   %t11 = load i32, i32* %t10, align 4
; CHECK-NEXT:   %t12 = icmp eq i32 %t11, 0
; CHECK-NEXT:   br i1 %t12, label %then.3, label %endif.4
; CHECK-NEXT: then.3:
; CHECK-NEXT:   br label %endloop.2
; CHECK-NEXT: endif.4:
; CHECK-NEXT:   %t13 = icmp ult i32 %t0, %t11
; CHECK-NEXT:   br i1 %t13, label %then.5, label %endif.6
; CHECK-NEXT: then.5:
; CHECK-NEXT:   %t14 = zext i32 %t0 to i64
; CHECK-NEXT:   %t15 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i64 0, i64 %t14
; CHECK-NEXT:   %t16 = add i32 %t0, %t11
; CHECK-NEXT:   %t17 = zext i32 %t16 to i64
; CHECK-NEXT:   %t18 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i64 0, i64 %t17
; CHECK-NEXT:   %t19 = load float, float addrspace(3)* %t18, align 4
; CHECK-NEXT:   %t20 = load float, float addrspace(3)* %t15, align 4
; CHECK-NEXT:   %t21 = fadd float %t20, %t19
; CHECK-NEXT:   store float %t21, float addrspace(3)* %t15, align 4
; CHECK-NEXT:   br label %endif.6
; CHECK-NEXT: endif.6:
; CHECK-NEXT:   call void @llvm.nvvm.barrier0()
; CHECK-NEXT:   br label %cont.1
; CHECK-NEXT: cont.1:
; CHECK-NEXT:   %t22 = load i32, i32* %t10, align 4
; CHECK-NEXT:   %t23 = lshr i32 %t22, 1
; CHECK-NEXT:   store i32 %t23, i32* %t10, align 4
; CHECK-NEXT:   br label %loop.0
; CHECK-NEXT: endloop.2:
; CHECK-NEXT:   %t24 = icmp eq i32 %t0, 0
; CHECK-NEXT:   br i1 %t24, label %then.7, label %endif.8
; CHECK-NEXT: then.7:
; CHECK-NEXT:   %t25 = zext i32 0 to i64
; CHECK-NEXT:   %t26 = getelementptr inbounds [256 x float], [256 x float] addrspace(3)* @partial, i64 0, i64 %t25
; CHECK-NEXT:   %t27 = load float, float addrspace(3)* %t26, align 4
; CHECK-NEXT:   %t28 = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
; CHECK-NEXT:   %t29 = zext i32 %t28 to i64
; CHECK-NEXT:   %t30 = getelementptr inbounds float, float addrspace(1)* %p1, i64 %t29
; CHECK-NEXT:   store float %t27, float addrspace(1)* %t30, align 4
; CHECK-NEXT:   br label %endif.8
; CHECK-NEXT: endif.8:
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!0, !1, !2, !3}
; CHECK-NEXT: !nvvmir.version = !{!4}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"kernel", i32 1}
; CHECK-NEXT: !1 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidx", i32 256}
; CHECK-NEXT: !2 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidy", i32 1}
; CHECK-NEXT: !3 = !{void (float addrspace(1)*, float addrspace(1)*)* @reduce, !"reqntidz", i32 1}
; CHECK-NEXT: !4 = !{i32 2, i32 0}
